"""The LSTM chapter gate by gate: each drawing's numbers, the forget-bias crossover, the verdict.

Independent of lstmgrad's models: the one-unit LSTM and the RNN are written out with math.exp and
math.tanh, step by step, from the weights the chapter states.
"""

from __future__ import annotations

import math
import re

import pytest
from test_site import markdown_tables

from lstmgrad.present.diagrams import DIM, HIGHLIGHT, INK, lstm_cell_svg
from lstmgrad.present.gates import forget_bias_crossover_table, lstm_gate_svg
from lstmgrad.studies.experiments import bridge_records
from lstmgrad.studies.gates import forget_bias_crossover, lstm_gate_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence

X = list(ANCHOR_SEQUENCE)


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def by_hand(prices, b_f=2.0, w_x=0.01, w_h=0.5):
    """The chapter's LSTM: every gate w_x on x_t and w_h on h_(t-1); only the forget gate has a bias."""
    h = C = 0.0
    out = []
    for x in prices:
        a = w_x * x + w_h * h
        i, f, g, o = sigmoid(a), sigmoid(a + b_f), math.tanh(a), sigmoid(a)
        C = f * C + i * g
        h = o * math.tanh(C)
        out.append({"i": i, "f": f, "g": g, "o": o, "C": C, "h": h})
    return out


def rnn_locals(prices, W_h=0.5, W_x=0.01):
    h, out = 0.0, []
    for x in prices:
        h = math.tanh(W_h * h + W_x * x)
        out.append(W_h * (1 - h * h))
    return out


def log_gap(b_f: float, prices, lag: int) -> float:
    """ln(prod f) - ln(RNN chain) over the last ``lag`` steps, by hand."""
    f = [s["f"] for s in by_hand(prices, b_f)][-lag:]
    return sum(map(math.log, f)) - sum(map(math.log, rnn_locals(prices)[-lag:]))


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>(.*?)</text>", svg)


def test_gate_rows_follow_the_stated_weights():
    for ours, hand in zip(lstm_gate_rows(X), by_hand(X), strict=True):
        for name in ("i", "f", "g", "o", "C", "h"):
            assert ours[name] == pytest.approx(hand[name], rel=1e-13), name
        assert ours["C"] == pytest.approx(ours["kept"] + ours["written"], rel=1e-14)


@pytest.mark.parametrize("gate", ["f", "i", "g", "o"])
def test_each_drawing_prints_its_gate_on_the_anchor(gate):
    hand = by_hand(X)
    svg = lstm_gate_svg(gate, X)
    example = next(t for t in svg_texts(svg) if t.startswith("worked example"))
    if gate in "fi":
        assert example.endswith(", ".join(f"{s[gate]:.4f}" for s in hand))
    else:
        values = [s[gate] for s in hand]
        assert f"from {min(values):.4f} to {max(values):.4f}" in example
        key = "C" if gate == "g" else "h"
        assert f"{hand[0][key]:.4f}" in example and f"{hand[-1][key]:.4f}" in example


@pytest.mark.parametrize("gate", ["f", "i", "g", "o"])
def test_each_drawing_highlights_one_gate_and_dims_the_others(gate):
    svg = lstm_gate_svg(gate, X)
    assert svg != lstm_cell_svg(X)  # the plain cell is unchanged (its golden copy pins it)
    boxes = re.findall(
        r'<rect x="([\d.]+)" y="175" width="48" height="30" rx="4" [^>]*?stroke="([^"]+)"'
        r'( stroke-opacity="[\d.]+")?',
        svg,
    )
    looks = {x: (c, o) for x, c, o in boxes}
    x_of = {"f": "146", "i": "226", "g": "286", "o": "376"}
    # the highlight is a teal that reads on white and on the dark slate; the rest is the page's own
    # ink, faded, so it dims in either palette
    for name, x in x_of.items():
        want = (HIGHLIGHT, "") if name == gate else (INK, f' stroke-opacity="{DIM}"')
        assert looks[x] == want, name
    assert INK == "currentColor" and float(DIM) < 0.5
    assert 'class="cell-path"' in svg  # the red line stays


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        c = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_highlight_reads_in_both_palettes():
    # white, and Material's slate background hsl(225, 15%, 14%)
    for background in ("#ffffff", "#1e2129"):
        assert _contrast(HIGHLIGHT, background) >= 3.0, background


def test_highlight_must_name_a_gate():
    with pytest.raises(ValueError, match="highlight must be one of i, f, g, o"):
        lstm_cell_svg(X, highlight="C")
    with pytest.raises(ValueError, match="gate must be one of"):
        lstm_gate_svg("x", X)


def test_crossover_is_where_the_two_paths_meet_by_hand():
    prices = repeated_sequence(90)
    for lag in (5, 30, 90):
        b = forget_bias_crossover(prices, lag)
        assert log_gap(b - 1e-6, prices, lag) < 0 < log_gap(b + 1e-6, prices, lag), lag
    assert f"{forget_bias_crossover(prices, 90):.2f}" == "-3.55"  # the chapter's "below about -3.55"


def test_at_b_f_minus_2_the_cell_path_is_far_above_the_rnn_chain():
    # the chapter once said that below about -2 the cell path vanishes faster than the RNN's chain
    prices = repeated_sequence(90)
    f = [s["f"] for s in by_hand(prices, b_f=-2.0)]
    local = rnn_locals(prices)
    assert f"{math.prod(f):.2e}" == "8.55e-43" and f"{math.prod(local):.2e}" == "2.05e-93"
    for lag in range(1, 91):
        assert math.prod(f[-lag:]) > math.prod(local[-lag:]), lag
    (table,) = markdown_tables(forget_bias_crossover_table(days=90, lags=[90], at=-2.0))
    assert table[1] == ["90", "-3.552", "8.55e-43", "2.05e-93"]


def test_crossover_needs_a_bracket():
    with pytest.raises(ValueError, match="does not bracket"):
        forget_bias_crossover(repeated_sequence(90), 90, lo=0.0, hi=2.0)


def solved(records, **key) -> int:
    return sum(a >= 0.95 for a in records.get(**key)["accuracy"])


def test_the_verdict_counts_on_the_lstm_page():
    records = bridge_records(scales=("raw", "std"), b_fs=(1.0, 5.0, "chrono"), lags=(50, 90), budget=8192)
    assert solved(records, scale="std", b_f=5.0, L=90) == 9  # "9 and 10 seeds of 10"
    assert solved(records, scale="std", b_f="chrono", L=90) == 10
    for L in (50, 90):  # "no seed reaches 95 % at lag 50 or 90"
        assert solved(records, scale="std", b_f=1.0, L=L) == 0
        for b_f in (1.0, 5.0, "chrono"):
            assert solved(records, scale="raw", b_f=b_f, L=L) == 0
    assert len(records.get(scale="std", b_f=1.0, L=90)["accuracy"]) == 10  # ten seeds


def test_the_lstm_verdicts_no_better_than_the_rnn_on_the_same_seeds_and_budgets():
    # "both solve lag 50 and lag 90 on none of the ten seeds, the LSTM even with sixteen times the budget"
    from lstmgrad.studies.experiments import budget_records, lag_records

    main = lag_records(("rnn", "lstm"), lags=(50, 90), seeds=range(10), budget=8192)
    for row in main.rows:
        assert len(row["accuracy"]) == 10 and max(row["accuracy"]) < 0.95, (row["model"], row["L"])
    sweep = budget_records(("lstm",), lags=(50, 90), budgets=(8192, 32768, 131072))
    assert len(sweep.rows) == 6 and all(max(r["accuracy"]) < 0.95 for r in sweep.rows)
