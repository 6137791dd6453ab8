"""The "What LSTM solves" chapter: the LSTM cell path printed beside the RNN chain is the
product of forget gates, agrees with a finite difference of the cell recurrence, and the
all-paths column agrees with a finite difference of the whole LSTM forward pass."""

from __future__ import annotations

import numpy as np
import pytest
from test_site import markdown_tables

from lstmgrad.models import lstm
from lstmgrad.present.plots import lstm_path_plot
from lstmgrad.present.tables import bptt_table, lstm_path_table
from lstmgrad.studies.article import lstm_path_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

# The chapter's stated weights: every gate 0.01 on x_t and 0.5 on h_{t-1}; b_f = 2, other biases 0
W_X = np.full((4, 1), 0.01)
W_H = np.full((4, 1), 0.5)
B = np.array([0.0, 2.0, 0.0, 0.0])  # gate order i, f, g, o


def _trace(sequence=ANCHOR_SEQUENCE, C_0=None):
    x = np.asarray(sequence, dtype=float).reshape(1, -1, 1)
    return lstm.forward(x, W_X, W_H, B, C_0=None if C_0 is None else np.array([[C_0]]))


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def test_forget_gates_follow_the_stated_weights():
    # recompute f_t by hand from the stated weights, independently of lstm.forward's fused gates
    trace = _trace()
    h_prev = np.concatenate([[0.0], trace.h[0, :-1, 0]])
    f = _sigmoid(0.01 * np.asarray(ANCHOR_SEQUENCE) + 0.5 * h_prev + 2.0)
    np.testing.assert_allclose(trace.f[0, :, 0], f, rtol=1e-12)
    assert 0.95 < f.min() and f.max() < 0.98  # "a little below one"


def test_lstm_cell_path_is_product_of_forget_gates():
    rows = lstm_path_rows()
    f = np.array([r["f"] for r in rows])
    for t, r in enumerate(rows, start=1):
        assert r["cell_path"] == pytest.approx(np.prod(f[t - 1 :]), rel=1e-14), f"t={t}"


@pytest.mark.parametrize("k", range(0, 5))
def test_cell_path_matches_finite_difference_of_the_cell_recurrence(k):
    # Cell-only path: gates frozen at their forward values, C_k nudged, C_5 re-run by the update rule
    trace = _trace()
    i, f, g = trace.i[0, :, 0], trace.f[0, :, 0], trace.C_tilde[0, :, 0]
    C_k = trace.C_tm[k, 0, 0]

    def C_T(c: float) -> float:
        for t in range(k, 5):
            c = f[t] * c + i[t] * g[t]
        return c

    eps = 1e-6
    fd = (C_T(C_k + eps) - C_T(C_k - eps)) / (2 * eps)
    assert lstm_path_rows()[k]["cell_path"] == pytest.approx(fd, rel=1e-8)


def test_all_paths_column_matches_finite_difference_of_the_whole_forward():
    # dC_5/dC_0 with every path: nudge the initial cell state and rerun the real LSTM
    eps = 1e-6
    fd = (_trace(C_0=eps).C[0, -1, 0] - _trace(C_0=-eps).C[0, -1, 0]) / (2 * eps)
    assert lstm_path_rows()[0]["cell_full"] == pytest.approx(fd, rel=1e-6)


def test_rnn_columns_are_the_bptt_table():
    (lstm_rows,) = markdown_tables(lstm_path_table())
    (bptt_rows,) = markdown_tables(bptt_table())
    for lr, br in zip(lstm_rows[1:], bptt_rows[1:], strict=True):
        assert lr[0] == br[0] and lr[1] == br[1]  # same t, same local factor
        assert float(lr[2]) == pytest.approx(float(br[2]), rel=0.05, abs=1e-6)


def test_cell_path_stays_large_where_the_rnn_chain_vanishes():
    rows = lstm_path_rows([100, 102, 105, 103, 108] * 18)
    assert rows[0]["rnn_chain"] < 1e-90
    assert rows[0]["cell_path"] > 0.05
    (table,) = markdown_tables(lstm_path_table([100, 102, 105, 103, 108] * 18, lags=[1, 90]))
    assert [row[0] for row in table[1:]] == ["1", "90"]
    assert table[2][4] == f"{rows[0]['cell_path']:.4f}"


def test_lstm_path_table_rejects_lags_beyond_the_sequence():
    with pytest.raises(ValueError, match=r"lags\[\d+\] must be a whole number from 1 to 5\b"):
        lstm_path_table(lags=[6])


def test_lstm_path_plot_is_deterministic_accessible_svg():
    svg = lstm_path_plot()
    assert svg == lstm_path_plot()
    assert svg.startswith("<svg ") and 'role="img"' in svg and "<title>" in svg
    assert "\n\n" not in svg
    assert len(svg) < 100_000
