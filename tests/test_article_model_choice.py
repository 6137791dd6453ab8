"""The "Which model when" chapter reproduces the article's recommendation table verbatim."""

from __future__ import annotations

import pytest
from test_site import markdown_tables

from lstmgrad.present.tables import model_choice_table

# Article, "When to Use LSTM vs Other Sequence Models": length, pattern, recommendation
ARTICLE_ROWS = [
    ["Short (<20)", "Simple", "Vanilla RNN"],
    ["Medium (20–200)", "Complex long-range", "LSTM"],
    ["Long (200+)", "Complex", "LSTM + attention or Transformer"],
    ["Variable, parallel", "Any", "Transformer"],
]


def test_model_choice_table_is_the_articles():
    (rows,) = markdown_tables(model_choice_table())
    assert [row[:3] for row in rows[1:]] == ARTICLE_ROWS
    measured = [row for row in rows[1:] if row[3] != "not yet measured"]
    assert not measured, f"rows claiming a measurement: {measured}"


def test_evidence_fills_only_its_own_row():
    (rows,) = markdown_tables(model_choice_table({"medium": "measured in [x](x.md)"}))
    blank = "not yet measured"
    # the page shows a link by its text
    assert [row[3] for row in rows[1:]] == [blank, "measured in x", blank, blank]


def test_unknown_evidence_key_is_rejected():
    with pytest.raises(ValueError, match="unknown row keys"):
        model_choice_table({"huge": "x"})


def test_the_long_row_rests_on_the_main_budget_and_its_words_hold():
    """The Evidence cell of the "Long (200+)" row: lags 200 and 500 with 8,192 sequences, seeds
    0-9 (long_lags); "fewer than attention" for the b_f = 5 LSTM by Fisher's exact test."""
    from conftest import ROOT
    from lstmgrad.studies.experiments import LR, MAIN, SEEDS
    from lstmgrad.studies.followups import LONG, long_records
    from lstmgrad.studies.stats import ALPHA, fisher_exact, solved_count

    snippet = (ROOT / "snippets" / "model_choice_table.py").read_text()
    assert "long_records(" in snippet and "lags=(200, 500)" in snippet
    records = long_records(("attention", "lstm_chrono", "lstm_b_f_5", "rnn_orthogonal"), lags=LONG)
    assert MAIN["budget"] == 8192 and list(SEEDS) == list(range(10)) and LR["lstm"] == 0.01
    for row in records.rows:
        assert len(row["accuracy"]) == 10 and max(row["sequences"]) <= 8192
    assert max(records.get(model="rnn_orthogonal", L=500)["sequences"]) == 8192  # ran the whole budget
    k = {(r["model"], r["L"]): solved_count(r["accuracy"]) for r in records.rows}
    for L in LONG:
        assert k["attention", L] == k["lstm_chrono", L] == 10  # "Supported for attention"; chrono too
        assert k["rnn_orthogonal", L] == 0
        assert k["lstm_b_f_5", L] < k["attention", L]
        assert fisher_exact(k["lstm_b_f_5", L], 10, k["attention", L], 10) < ALPHA  # "fewer than attention"
    assert (k["lstm_b_f_5", 200], k["lstm_b_f_5", 500]) == (3, 0)
