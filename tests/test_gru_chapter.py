"""The GRU chapter: its update path and its full gradient on the anchor, against closed forms and
central finite differences of the GRU itself, and the verdict's counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_site import markdown_tables

from lstmgrad.models import gru
from lstmgrad.models.rnn import bptt_steps
from lstmgrad.present.gates import gru_path_table
from lstmgrad.studies.experiments import budget_records
from lstmgrad.studies.gates import gru_path_rows, gru_trace
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence

X = list(ANCHOR_SEQUENCE)


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def gru_by_hand(prices, h=0.0, b_u=2.0, w_x=0.01, w_h=0.5):
    """The chapter's GRU (PyTorch's variant), scalar, with math: every gate w_x on x_t, w_h on h_(t-1)."""
    states, gates = [], []
    for x in prices:
        r = sigmoid(w_x * x + w_h * h)
        u = sigmoid(w_x * x + w_h * h + b_u)
        n = math.tanh(w_x * x + r * (w_h * h))
        h = u * h + (1 - u) * n
        states.append(h)
        gates.append((r, u, n))
    return states, gates


def test_gates_follow_the_stated_weights():
    states, gates = gru_by_hand(X)
    for row, h, (r, u, n) in zip(gru_path_rows(X), states, gates, strict=True):
        assert (row["r"], row["u"], row["n"], row["h"]) == pytest.approx((r, u, n, h), rel=1e-13)


def test_update_path_is_the_product_of_update_gates():
    _, gates = gru_by_hand(X)
    u = [g[1] for g in gates]
    for t, row in enumerate(gru_path_rows(X), start=1):
        assert row["update_path"] == pytest.approx(math.prod(u[t - 1 :]), rel=1e-14), t


@pytest.mark.parametrize("t", range(1, 6))
def test_update_path_matches_finite_difference_with_the_gates_frozen(t):
    # along u_t h_(t-1) alone: gates and candidates fixed at their forward values, h_(t-1) nudged
    states, gates = gru_by_hand(X)
    h_prev = ([0.0] + states)[t - 1]

    def h_T(h: float) -> float:
        for _r, u, n in gates[t - 1 :]:
            h = u * h + (1 - u) * n
        return h

    eps = 1e-6
    fd = (h_T(h_prev + eps) - h_T(h_prev - eps)) / (2 * eps)
    assert gru_path_rows(X)[t - 1]["update_path"] == pytest.approx(fd, rel=1e-8)


@pytest.mark.parametrize("prices", [X, repeated_sequence(30)], ids=["anchor", "30 days"])
def test_all_paths_column_matches_finite_difference_of_the_whole_gru(prices):
    # dh_T/dh_(t-1) with every path: restart the real GRU from a nudged h_(t-1) on the remaining prices
    states, _ = gru_by_hand(prices)
    rows = gru_path_rows(prices)
    w = gru_trace(X, b_u=2.0)  # the chapter's weights
    eps = 1e-6
    for t in range(1, len(prices) + 1):
        h_prev = ([0.0] + states)[t - 1]
        rest = prices[t - 1 :]

        def h_T(h0: float, rest=rest) -> float:
            x = np.asarray(rest, dtype=float).reshape(1, -1, 1)
            return float(gru.forward(x, w.W_x, w.W_h, w.b_x, w.b_h, h_0=np.array([[h0]])).h[0, -1, 0])

        fd = (h_T(h_prev + eps) - h_T(h_prev - eps)) / (2 * eps)
        assert rows[t - 1]["full"] == pytest.approx(fd, rel=1e-6), t
        assert gru_by_hand(rest, h=h_prev + eps)[0][-1] == pytest.approx(h_T(h_prev + eps), rel=1e-13)


def test_the_rnn_column_is_the_bptt_chain():
    steps = bptt_steps(X, W_h=0.5, W_x=0.01)
    (table,) = markdown_tables(gru_path_table(X))
    for line, s in zip(table[1:], reversed(steps), strict=True):
        assert line[0] == str(s["t"]) and line[1] == f"{s['cumulative']:.2e}"


def test_ninety_days_the_gated_path_survives():
    rows = gru_path_rows(repeated_sequence(90))
    assert rows[0]["rnn_chain"] < 1e-90
    assert f"{rows[0]['update_path']:.4f}" == "0.0426" and f"{rows[0]['full']:.4f}" == "0.0406"


def test_the_verdict_counts_on_the_gru_page():
    records = budget_records(("gru",), lags=(50, 90), budgets=(8192, 32768, 131072), init="uniform", b_f=1.0)

    def solved(**key) -> int:
        return sum(a >= 0.95 for a in records.get(model="gru", **key)["accuracy"])

    # "at the main budget ... it solves lag 50 on 2 seeds of 10 and lag 90 on none"
    assert solved(L=50, budget=8192) == 2 and solved(L=90, budget=8192) == 0
    # "With four times the budget ... lag 50 on all ten seeds and lag 90 on nine"
    assert solved(L=50, budget=32768) == 10 and solved(L=90, budget=32768) == 9
    # "and with sixteen times (131,072) every seed at both lags"
    assert solved(L=50, budget=131072) == 10 and solved(L=90, budget=131072) == 10
    assert 32768 == 4 * 8192
    assert 131072 == 16 * 8192


def test_the_gru_page_names_the_piloted_rate_and_the_update_gate_bias_solves_every_seed():
    from lstmgrad.studies.experiments import LR
    from lstmgrad.studies.followups import gru_bias_records

    assert LR["gru"] == 0.03  # "at the learning rate of 0.03 that the shared pilot chose"
    records = gru_bias_records()
    for b_z in (3.0, 5.0):  # "solves lags 20, 50 and 90 on every one of the ten seeds"
        for L in (20, 50, 90):
            acc = records.get(b_z=b_z, L=L)["accuracy"]
            assert len(acc) == 10 and min(acc) >= 0.95, (b_z, L)


def test_the_cell_drawing_prints_the_worked_examples_update_gates():
    from lstmgrad.present.gates import gru_cell_svg

    _, gates = gru_by_hand(X)
    u = [g[1] for g in gates]
    svg = gru_cell_svg(X)
    assert f"uₜ from {min(u):.4f} to {max(u):.4f}, Π uₜ = {math.prod(u):.4f}" in svg
    assert svg.startswith("<svg ") and 'role="img"' in svg and "<title>" in svg and "\n\n" not in svg
    assert 'class="update-path"' in svg


def test_at_pytorchs_initialisation_the_update_gates_sit_near_one_half():
    # "Started with PyTorch's initialisation its update gates sit near one half": 10 seeds, H = 16,
    # unit-variance inputs as in the experiments' main setting
    from lstmgrad.train.params import init_params

    p = init_params("gru", 16, 1, seeds=list(range(10)))
    x = np.broadcast_to(np.random.default_rng(0).normal(size=(32, 95, 1)), (10, 32, 95, 1))
    u = gru.forward(x, p["W_x"], p["W_h"], p["b_x"], p["b_h"]).z
    lo, mid, hi = np.percentile(u, [5, 50, 95])
    assert 0.45 < mid < 0.55 and 0.3 < lo and hi < 0.7
