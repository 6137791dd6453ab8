"""Pin 1: the numbers the source article publishes for the forward pass.

Values are copied from the article's section "Vanilla RNN: What It Does" and
asserted at the precision it prints them (4 decimals).
"""

from __future__ import annotations

import pytest

from lstmgrad.models.rnn import scalar_forward
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, ANCHOR_WEIGHTS

# Article, "Vanilla RNN: What It Does": t=1..5
ARTICLE_Z = [1.0000, 1.4008, 1.4928, 1.4819, 1.5309]
ARTICLE_H = [0.7616, 0.8855, 0.9038, 0.9018, 0.9106]


@pytest.mark.parametrize("t", range(1, 6))
def test_forward_pass_matches_article(t):
    trace = scalar_forward(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    assert f"{trace.z[t - 1]:.4f}" == f"{ARTICLE_Z[t - 1]:.4f}", f"z_{t}"
    assert f"{trace.h[t - 1]:.4f}" == f"{ARTICLE_H[t - 1]:.4f}", f"h_{t}"


def test_anchor_weights_are_the_articles():
    # Article: "Using W_h = 0.5, W_x = 0.01, b = 0, h_0 = 0" and prices 100, 102, 105, 103, 108
    assert ANCHOR_WEIGHTS == {"W_h": 0.5, "W_x": 0.01, "b": 0.0, "h_0": 0.0}
    assert ANCHOR_SEQUENCE == (100, 102, 105, 103, 108)
