"""The LSTM page's comparison with the RNN: one local factor can reach one, the product of five cannot.

Independent of lstmgrad: the anchor chain written out with math.tanh.
"""

from __future__ import annotations

import math

from lstmgrad.present.tables import first_factor_table
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def factors(W_h: float, W_x: float = 0.01) -> list[float]:
    h, out = 0.0, []
    for x in ANCHOR_SEQUENCE:
        h = math.tanh(W_h * h + W_x * x)
        out.append(W_h * (1 - h * h))
    return out


def test_first_factor_is_0_42_W_h_and_passes_one_near_W_h_2_4():
    slope = 1 - math.tanh(1.0) ** 2  # z_1 = 0.01 * 100 = 1 whatever W_h is, since h_0 = 0
    assert f"{slope:.2f}" == "0.42"
    for W_h in (0.5, 1.0, 2.0, 2.5, 3.0):
        assert factors(W_h)[0] == W_h * slope
    assert f"{factors(2.0)[0]:.2f}" == "0.84" and f"{factors(2.5)[0]:.2f}" == "1.05"
    assert 1 / slope < 2.5  # the first factor exceeds one from W_h = 2.38 on


def test_the_product_stays_far_below_one_on_any_W_h():
    grid = [k / 100 for k in range(1, 501)]
    best = max(math.prod(factors(W_h)) for W_h in grid)
    assert best < 2.5e-5  # the sweep's peak, about 2.23e-05 (sensitivity chapter)
    # the later four factors never rise much above 0.1, and fall as W_h grows beyond 1
    assert max(max(factors(W_h)[1:]) for W_h in grid) < 0.12
    beyond_1 = [factors(W_h)[1:] for W_h in grid if W_h >= 1]
    for row, nxt in zip(beyond_1[:-1], beyond_1[1:], strict=True):
        rising = [(t, a, b) for t, (a, b) in enumerate(zip(row, nxt, strict=True), start=2) if not a > b]
        assert not rising, f"local factors (t, at this W_h, at the next) that do not fall: {rising}"


def test_table_rows_are_the_factors():
    lines = first_factor_table(ANCHOR_SEQUENCE, W_hs=[0.5, 2.0, 2.5], W_x=0.01).splitlines()[2:]
    for line, W_h in zip(lines, (0.5, 2.0, 2.5), strict=True):
        cells = [c.strip() for c in line.split("|")[1:-1]]
        assert cells[1:6] == [f"{f:.4f}" for f in factors(W_h)]
        assert cells[6] == f"{math.prod(factors(W_h)):.2e}"
