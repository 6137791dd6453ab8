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
