"""The article's studies: plain numbers, no formatting, and the chain ends they name, checked by hand."""

from __future__ import annotations

import math

import pytest

from lstmgrad.cache import import_closure
from lstmgrad.studies import article, errata
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

STUDIES = [
    "lstmgrad.studies.article",
    "lstmgrad.studies.errata",
    "lstmgrad.studies.floats",
    "lstmgrad.studies.gates",
    "lstmgrad.studies.explorables",
]


def factors(W_h: float, W_x: float = 0.01) -> list[float]:
    """The anchor's local factors W_h tanh'(z_t), written out with math.tanh, independently of lstmgrad."""
    h, out = 0.0, []
    for x in ANCHOR_SEQUENCE:
        h = math.tanh(W_h * h + W_x * x)
        out.append(W_h * (1 - h * h))
    return out


@pytest.mark.parametrize("module", STUDIES)
def test_studies_never_import_presentation(module):
    reached = set(import_closure(module))
    assert module in reached  # the closure did follow this module's imports
    assert not {m for m in reached if m.startswith("lstmgrad.present") or m == "lstmgrad.cli"}


def test_chain_ends_by_hand():
    local = factors(0.5)  # the anchor's, written out with math.tanh
    ends = errata.chain_ends()
    assert ends["h_0"] == pytest.approx(math.prod(local), rel=1e-12, abs=0)
    assert ends["h_1"] == pytest.approx(math.prod(local[1:]), rel=1e-12, abs=0)  # drops h_0 -> h_1
    tanh_slope_1 = local[0] / 0.5  # tanh'(z_1) = local_1 / W_h
    assert ends["z_1"] == pytest.approx(math.prod(local[1:]) * tanh_slope_1, rel=1e-12, abs=0)
    assert ends["x_1"] == pytest.approx(ends["z_1"] * 0.01, rel=1e-15, abs=0)


def test_chain_back_picks_the_last_k_factors():
    local = factors(0.5)  # the anchor's, written out with math.tanh
    back = article.chain_back(lags=[1, 3, 5])
    assert back.lags == [1, 3, 5] and back.T == 5
    for k, chain, ref in zip(back.lags, back.chain, back.reference, strict=True):
        assert chain == pytest.approx(math.prod(local[5 - k :]), rel=1e-12, abs=0)
        assert ref == pytest.approx(0.7**k, rel=1e-15, abs=0)
    assert (back.local_min, back.local_max) == pytest.approx((min(local), max(local)), rel=1e-12, abs=0)


@pytest.mark.parametrize("k", [0, 6])
def test_lags_outside_the_chain_fail_loudly(k):
    with pytest.raises(ValueError, match=r"lags\[\d+\] must be a whole number from 1 to 5\b"):
        article.chain_back(lags=[1, k])


def test_orders_as_printed_use_the_six_decimals_the_table_prints():
    o = errata.orders()
    assert (o["printed"]["late"], o["printed"]["early"]) == (0.085421, 0.000017)  # the BPTT table's ends
    assert o["printed"]["ratio"] == 0.085421 / 0.000017
    assert o["full"]["orders"] == pytest.approx(
        math.log10(o["full"]["late"] / o["full"]["early"]), rel=1e-15, abs=0
    )
