"""The BPTT chapter and the crash-at-90 chapter: the article's published numbers, and
independent checks (closed forms and finite differences) of what the tables print."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_site import markdown_tables

from lstmgrad.models.rnn import bptt_steps, cumulative_factors, local_factors, scalar_forward
from lstmgrad.present.plots import decay_plot
from lstmgrad.present.tables import bptt_table, constant_factor_table, lag_table
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, ANCHOR_WEIGHTS, repeated_sequence

# Article, "The Vanishing Gradient in RNNs (BPTT)" (and again under "Code"), rows t=5..1
ARTICLE_LOCAL = {5: "0.0854", 4: "0.0934", 3: "0.0915", 2: "0.1079", 1: "0.2100"}
ARTICLE_CUMULATIVE = {5: "0.085421", 4: "0.007974", 3: "0.000730", 2: "0.000079", 1: "0.000017"}


def _table_rows(table: str) -> dict[str, list[str]]:
    (rows,) = markdown_tables(table)
    return {row[0]: row[1:] for row in rows[1:]}


def test_bptt_table_matches_article():
    rows = _table_rows(bptt_table(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS))
    for t in range(1, 6):
        assert rows[str(t)] == [ARTICLE_LOCAL[t], ARTICLE_CUMULATIVE[t]], f"t={t}"


def test_bptt_table_labels_say_which_derivative_each_column_is():
    header = markdown_tables(bptt_table())[0][0]
    # Row t's product ends at h_{t-1}: row 1 is dh_5/dh_0, not the gradient at h_1.
    assert header == ["t", "local ∂hₜ/∂hₜ₋₁", "cumulative ∂h₅/∂hₜ₋₁"]


def test_seven_tenths_to_the_fifth_matches_article():
    # Article, "The Vanishing Gradient in RNNs (BPTT)": "0.7⁵ = 0.168 — already a 6× shrinkage"
    rows = _table_rows(constant_factor_table(0.7, steps=[5, 100]))
    assert rows["5"][0] == "0.168"
    assert round(float(rows["5"][1])) == 6
    # "0.7¹⁰⁰ ≈ 0": tiny, but a normal float64, not zero
    assert rows["100"][0] == f"{0.7**100:.3g}"
    assert 0.0 < 0.7**100 < 1e-15


def test_cumulative_is_the_product_of_the_locals():
    trace = scalar_forward(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    local = local_factors(trace)
    cumulative = cumulative_factors(local)
    for t in range(1, 6):
        assert cumulative[t - 1] == pytest.approx(np.prod(local[t - 1 :]), rel=1e-14)


def test_local_factor_is_W_h_times_tanh_slope_at_z():
    trace = scalar_forward(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    slope = 1.0 / np.cosh(trace.z) ** 2  # tanh'(z) = sech^2(z), computed from z, not from h
    np.testing.assert_allclose(local_factors(trace), 0.5 * slope, rtol=1e-12)


def _h_T(sequence, h_start: float) -> float:
    return float(scalar_forward(sequence, W_h=0.5, W_x=0.01, h_0=h_start).h[-1])


@pytest.mark.parametrize("t", range(1, 6))
def test_cumulative_row_t_is_finite_difference_dh5_dh_t_minus_1(t):
    steps = bptt_steps(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    h_before = 0.0 if t == 1 else steps[t - 2]["h"]  # h_{t-1}
    rest = ANCHOR_SEQUENCE[t - 1 :]  # steps t..5, started from h_{t-1}
    eps = 1e-6
    fd = (_h_T(rest, h_before + eps) - _h_T(rest, h_before - eps)) / (2 * eps)
    assert fd == pytest.approx(steps[t - 1]["cumulative"], rel=1e-6)


def test_product_reaching_h1_is_the_t2_row():
    # The gradient that reaches h_1 (the state after day 1) is dh_5/dh_1 ~ 7.9e-5, not 1.7e-5.
    steps = bptt_steps(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    h_1 = steps[0]["h"]
    eps = 1e-6
    fd = (_h_T(ANCHOR_SEQUENCE[1:], h_1 + eps) - _h_T(ANCHOR_SEQUENCE[1:], h_1 - eps)) / (2 * eps)
    assert f"{fd:.1e}" == "7.9e-05"
    assert fd == pytest.approx(steps[1]["cumulative"], rel=1e-6)


def test_lag_90_product_matches_a_sum_of_logs():
    steps = bptt_steps(repeated_sequence(90), W_h=0.5, W_x=0.01)
    local = np.array([s["local"] for s in steps])
    by_logs = math.exp(np.sum(np.log(local)))  # independent of the cumulative product
    assert steps[0]["cumulative"] == pytest.approx(by_logs, rel=1e-12)
    # tiny but representable: about 1e-93, far above float64's smallest normal
    assert 1e-95 < steps[0]["cumulative"] < 1e-90
    assert local.min() > 0.08 and local.max() < 0.22


def test_lag_table_rows_are_products_of_the_last_k_locals():
    steps = bptt_steps(repeated_sequence(90), W_h=0.5, W_x=0.01)
    local = np.array([s["local"] for s in steps])
    rows = _table_rows(lag_table(days=90, lags=[1, 10, 90]))
    for k in (1, 10, 90):
        assert rows[str(k)][0] == f"{np.prod(local[-k:]):.2e}", f"lag {k}"
        assert rows[str(k)][1] == f"{0.7**k:.2e}"


def test_repeated_sequence_cycles_the_anchor():
    assert repeated_sequence(7) == [100, 102, 105, 103, 108, 100, 102]


def test_lag_table_rejects_lags_beyond_the_sequence():
    with pytest.raises(ValueError, match=r"lags\[\d+\] must be a whole number from 1 to 90\b"):
        lag_table(days=90, lags=[91])


def test_decay_plot_is_deterministic_accessible_svg():
    svg = decay_plot()
    assert svg == decay_plot()
    assert svg.startswith("<svg ") and 'role="img"' in svg and "<title>" in svg
    assert "\n\n" not in svg  # a blank line would end the raw-HTML block in Markdown
    assert len(svg) < 100_000
