"""The forget-gate mechanism on the Experiments page, section 5: what sigma(b_f)^L keeps at initialisation.

Closed forms in plain Python (math.exp), checked against the LSTM layer itself and against the
table the page prints.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstmgrad.models import lstm
from lstmgrad.present.tables import forget_retention_table


def sigma(b: float) -> float:
    return 1.0 / (1.0 + math.exp(-b))


def test_issue_values_of_sigma_b_f_to_the_90():
    # Issue 13, "The mechanism, measured": 5.7e-13 for b_f = 1, 0.013 for 3, 0.55 for 5, at L = 90
    assert f"{sigma(1) ** 90:.2g}" == "5.7e-13"
    assert f"{sigma(3) ** 90:.2g}" == "0.013"
    assert f"{sigma(5) ** 90:.2g}" == "0.55"
    # b_f = 1 keeps 73 % per step, so it forgets 27 % (experiments.md, section 2)
    assert f"{sigma(1):.2f}" == "0.73" and f"{1 - sigma(1):.0%}" == "27%"


@pytest.mark.parametrize("b", [0.0, 1.0, 3.0, 5.0, math.log(94.0)])
def test_memory_time_is_one_over_what_the_gate_forgets(b):
    # 1 - sigma(b) = 1 / (1 + e^b): the time constant of the geometric decay is exactly 1 + e^b
    assert 1.0 / (1.0 - sigma(b)) == pytest.approx(1.0 + math.exp(b), rel=1e-12)


def test_chrono_gate_keeps_u_over_1_plus_u():
    # chrono: b_f = log u, so sigma(b_f) = u / (1 + u) and the memory time is 1 + u, from 2 to T
    for u in (1.0, 10.0, 94.0):
        assert sigma(math.log(u)) == pytest.approx(u / (1 + u), rel=1e-12)
    assert f"{(94 / 95) ** 90:.2g}" == "0.39" and f"{(94 / 95) ** 50:.2g}" == "0.59"


@pytest.mark.parametrize("b_f", [0.0, 1.0, 3.0, 5.0])
def test_lstm_cell_path_with_no_weights_is_sigma_b_f_to_the_L(b_f):
    # with zero weights f_t = sigma(b_f) exactly, and the cell path over L steps is its L-th power
    H, L = 2, 90
    b = lstm.set_forget_bias(np.zeros(4 * H), b_f)
    x = np.random.default_rng(0).normal(size=(1, L, 1))
    trace = lstm.forward(x, np.zeros((4 * H, 1)), np.zeros((4 * H, H)), b)
    assert lstm.cell_path(trace)[0, 0] == pytest.approx(np.full(H, sigma(b_f) ** L), rel=1e-10)


def test_table_prints_the_closed_forms():
    rows = {
        r.split("|")[1].strip(): [c.strip() for c in r.split("|")[2:-1]]
        for r in forget_retention_table(b_fs=[0, 1, 3, 5], lags=[50, 90], chrono_T=95).splitlines()[2:]
    }
    for b in (0, 1, 3, 5):
        kept, forgot, at_50, at_90, memory = rows[str(b)]
        assert kept == f"{sigma(b):.4f}" and forgot == f"{1 - sigma(b):.1%}"
        assert at_50 == f"{sigma(b) ** 50:.2g}" and at_90 == f"{sigma(b) ** 90:.2g}"
        assert memory == f"{1 + math.exp(b):.1f}"
    chrono = rows["chrono, T = 95: 0 to 4.54"]
    assert chrono[3] == "8.1e-28 to 0.39" and chrono[4] == "2 to 95"
